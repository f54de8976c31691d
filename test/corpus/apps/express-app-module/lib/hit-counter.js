// A constructor written as a function, as older code and many libraries still write them.
function HitCounter(name) {
  this.name = name;
  this.hits = 0;
}

HitCounter.prototype.hit = function () {
  this.hits += 1;
  return { counter: this.name, hits: this.hits };
};

module.exports = HitCounter;
