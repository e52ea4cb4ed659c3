// Whether this browser is signed in; the app renders the sign-in page when not.
export const session = $state({ checked: false, signedIn: false, passwordSet: false });
