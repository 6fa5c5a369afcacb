// Random scalars (docs/crypto.md §1): 512 bits from crypto.getRandomValues reduced mod L, redrawn if 0.
// Every function that draws randomness takes a source `rng` (an object with `scalar()`); tests pass
// `scripted(nonces)` to replay a vector's listed nonces in order.
import { L, intLE, scalarFromHex } from "./group.js";

export const osRandom = {
  scalar() {
    for (;;) {
      const bytes = new Uint8Array(64);
      globalThis.crypto.getRandomValues(bytes);
      const k = intLE(bytes) % L;
      if (k !== 0n) return k;
    }
  },
};

/** A source handing out the listed scalars (hex), in order; it throws if asked for more. */
export function scripted(nonces) {
  const values = nonces.map((h, i) => scalarFromHex(h, `nonce ${i}`));
  return {
    scalar() {
      if (!values.length) throw new Error("the operation drew more nonces than were listed");
      return values.shift();
    },
    get left() {
      return values.length;
    },
  };
}
