exports.describeItem = function describeItem(item) {
  return `${item.name} (${item.stock} in stock)`;
};

// Long parameter lists as Prettier writes them: one per line, with a trailing comma.
exports.restockNotice = (
  itemName,
  quantityOrdered,
  expectedDeliveryDateInDays,
  supplierNameAsWrittenOnTheInvoice,
  warehouseWhereTheOrderIsDelivered,
) => `${quantityOrdered} × ${itemName} from ${supplierNameAsWrittenOnTheInvoice} in ${expectedDeliveryDateInDays} days`;
