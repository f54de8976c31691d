const locales = {
  en: require('./locales/en.json'),
  de: require('./locales/de.json'),
};

function t(lang, key, vars = {}) {
  const messages = locales[lang] ?? locales.en;
  const template = messages[key] ?? locales.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

module.exports = { t };
