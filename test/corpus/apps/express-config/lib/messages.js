const APP_NAME = 'Articles';

const messages = {
  welcome: `Welcome to ${APP_NAME}`,
  notFound: 'No such article',
  serverError: 'Something went wrong',
};

module.exports = Object.freeze({ ...messages, appName: APP_NAME });
