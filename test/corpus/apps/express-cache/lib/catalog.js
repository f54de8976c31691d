// The data source: slow on purpose, as a database or another service would be.
const LATENCY_MS = 5;
const TAX_RATE = 0.2;

const products = new Map([
  [1, { id: 1, name: 'kettle', price: 30, tags: ['kitchen'] }],
  [2, { id: 2, name: 'lamp', price: 45, tags: ['living'] }],
]);
let nextId = 3;

// A copy, as a database hands out rows: what a caller keeps is not the source's own record.
const later = (product) => new Promise((resolve) => setTimeout(() => resolve(product && { ...product }), LATENCY_MS));

async function findProduct(id) {
  return later(products.get(id));
}

async function findByName(name) {
  return later([...products.values()].find((product) => product.name === name));
}

async function addProduct({ name, price, tags = [] }) {
  const product = { id: nextId++, name, price, tags };
  products.set(product.id, product);
  return later(product);
}

async function updatePrice(id, price) {
  const product = products.get(id);
  if (product) product.price = price;
  return later(product);
}

function allProducts() {
  return [...products.values()];
}

function priceWithTax(product) {
  return Math.round(product.price * (1 + TAX_RATE) * 100) / 100;
}

module.exports = { findProduct, findByName, addProduct, updatePrice, allProducts, priceWithTax };
