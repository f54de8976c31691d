const posts = [];

function add(authorId, text) {
  const post = { id: posts.length + 1, authorId, text };
  posts.push(post);
  return post;
}

function list() {
  return posts;
}

add(1, 'Hello from ada');
add(2, 'Hello from grace');

module.exports = { add, list };
