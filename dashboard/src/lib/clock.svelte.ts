// A shared "now" so every relative time ("12 s ago") moves on its own.
export const clock = $state({ now: Date.now() });

setInterval(() => {
  clock.now = Date.now();
}, 1000);
