const cron = require('node-cron');
const notes = require('./notes');
const stats = require('./stats');
const { summarize } = require('./summary');

// Every second: a heartbeat, with the time it ran.
cron.schedule(
  '* * * * * *',
  () => {
    stats.record('heartbeat', new Date().toISOString());
  },
  { name: 'heartbeat' },
);

// Every second: a summary of the notes.
cron.schedule('* * * * * *', () => stats.record('summary', summarize(notes.all())), { name: 'summary' });

// Every second: notes older than a minute are archived.
cron.schedule('* * * * * *', () => stats.record('archive', `${notes.archiveOlderThan(60_000)} archived`), {
  name: 'archive',
});
