// Settings read once, as most apps keep them: an object other modules import.
export const config = {
  serviceName: 'todo-api',
  pageSize: 20,
  listCacheMs: 50,
};
