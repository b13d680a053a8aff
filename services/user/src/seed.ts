// `npm run seed` (and `npm start`): boots the user module without HTTP, which makes sure a
// signing key and the initial admin (ADMIN_EMAIL / ADMIN_PASSWORD) exist, exactly as every start
// of the service does (interfaces/startup/user-startup.ts). An existing admin is left as is.
import { runStandalone } from '@app/platform';
import { UserStartup } from './interfaces/startup/user-startup';
import { UserModule } from './user.module';

const REPORT = {
  created: 'user: initial admin created from ADMIN_EMAIL',
  present: 'user: initial admin already present, left as is',
  not_configured: 'user: ADMIN_EMAIL/ADMIN_PASSWORD not set, no initial admin',
};

runStandalone(
  () => UserModule.forRoot(),
  async (app) => {
    const outcome = app.get(UserStartup).adminOutcome;
    console.log(outcome ? REPORT[outcome] : 'user: startup did not run');
  },
).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
