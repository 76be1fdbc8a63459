export { openJournal } from './file-journal.js';
export type { FileJournal } from './file-journal.js';
export { readJournal } from './read-journal.js';
export type { JournalContents } from './read-journal.js';
