/**
 * Work a page still has to send before the person signs out (a note's last
 * words). Each entry saves and answers whether it could; while signing out,
 * pages stop holding navigations for their unsaved work.
 */
export const pendingWork = new Set<() => Promise<boolean>>();

let signingOut = false;
export const isSigningOut = () => signingOut;

/** Saves what pages still hold; false when something could not be saved and the person chose to stay. */
export async function settlePendingWork(): Promise<boolean> {
  const results = await Promise.all([...pendingWork].map((save) => save().catch(() => false)));
  if (results.every(Boolean)) return (signingOut = true);
  const leave = window.confirm('Some of your latest changes could not be saved. Sign out anyway and lose them?');
  signingOut = leave;
  return leave;
}

export function signedOut(): void {
  signingOut = false;
}
