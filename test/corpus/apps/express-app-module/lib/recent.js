// The names of the items added last, kept by the object's own methods: data the app changes as
// it runs (each call assigns the property a new array).
module.exports = {
  names: [],
  count: 0,
  remember(item) {
    this.names = [...this.names, item.name].slice(-5);
    this.count += 1;
  },
  describe() {
    return { recent: this.names, added: this.count };
  },
};
