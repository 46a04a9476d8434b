export { EXIT } from './errors';
export { run, USAGE } from './main';
