export { buildWeb, DIST_DIR } from './build';
