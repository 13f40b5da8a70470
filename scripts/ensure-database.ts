// Makes sure an embedded database engine is available (building FerretDB once if needed), so
// the first test or demo run does not spend minutes on it. Prints which engine will be used.
import { buildFerretDB, defaultCacheDir, findFerretDB } from '../server/db/embedded.js';
import { spawnSync } from 'node:child_process';

if (process.env.MONGODB_URI) {
  console.log('MONGODB_URI is set: tests and the demo use that server.');
} else {
  const found = findFerretDB();
  if (found) {
    console.log(`FerretDB 1.24 found: ${found}`);
  } else if (!spawnSync('go', ['version'], { stdio: 'ignore' }).error) {
    console.log(`FerretDB 1.24 built: ${buildFerretDB(defaultCacheDir(), (l) => console.log(l))}`);
  } else if (!spawnSync('mongod', ['--version'], { stdio: 'ignore' }).error) {
    console.log('Using mongod from PATH.');
  } else {
    console.error('No database engine: install Go (to build FerretDB) or MongoDB, or set MONGODB_URI.');
    process.exit(1);
  }
}
