import { AccountSettings } from '../settings/AccountSettings';
import { NotificationSettings } from '../settings/NotificationSettings';
import { ProfileSettings } from '../settings/ProfileSettings';
import { RequireSignIn } from './RequireSignIn';

/** The signed-in user's settings: profile and avatar, the account's address, email notifications and their language. */
export function SettingsPage() {
  return (
    <RequireSignIn>
      <section className="page page-narrow">
        <h1>Settings</h1>
        <ProfileSettings />
        <AccountSettings />
        <NotificationSettings />
      </section>
    </RequireSignIn>
  );
}
