// `node dist/services/user/services/user/src/rotate-signing-key.js` (with the service's
// environment): the next key starts signing, the current one becomes the previous one (still
// published, so its tokens stay valid until they expire) and the old previous one is retired.
// Running instances pick the change up within 30 seconds. See docs/authentication.md.
import { runStandalone } from '@app/platform';
import { RotateSigningKeyUseCase } from './application/use-cases/rotate-signing-key.use-case';
import { UserModule } from './user.module';

runStandalone(
  () => UserModule.forRoot(),
  async (app) => {
    const { currentKid, previousKid } = await app.get(RotateSigningKeyUseCase).execute();
    console.log(`user: signing key rotated: current ${currentKid}, previous ${previousKid}`);
  },
).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
