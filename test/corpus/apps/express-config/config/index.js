// Read once at startup: the environment, and the defaults below.
const PORT = Number(process.env.PORT) || 3000;
const PAGE_LIMIT = 5;
const MAX_PAGE_LIMIT = 50;
const env = process.env.NODE_ENV || 'development';

module.exports = {
  port: PORT,
  env,
  pagination: { limit: PAGE_LIMIT, max: MAX_PAGE_LIMIT },
};
