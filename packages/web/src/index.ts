import { join } from 'node:path';

/** The directory of the web vault's static files, served at `/` by the local stack. */
export const STATIC_DIR = join(__dirname, '..', 'public');
