exports.describeItem = function describeItem(item) {
  return `${item.name} (${item.stock} in stock)`;
};
