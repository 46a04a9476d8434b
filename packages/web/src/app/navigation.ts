/** Which screen of the vault is shown. */
export type View =
  | { kind: 'list' }
  | { kind: 'detail'; id: string }
  | { kind: 'edit'; id?: string }
  | { kind: 'history'; id: string }
  | { kind: 'trash' }
  | { kind: 'transfer' }
  | { kind: 'account' };

/** What every screen gets from the vault: the error guard and the status line. */
export type Ctx = {
  guard: (w: () => Promise<void>) => Promise<void>;
  setStatus: (s: string | undefined) => void;
};
/** A screen that can also move to another screen. */
export type Nav = Ctx & { go: (v: View) => void };
