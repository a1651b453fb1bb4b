/**
 * ioredis writes a command with a Buffer argument (BullMQ packs its options with msgpack) byte by
 * byte into a new Buffer, about twice the CPU of its all-text path (measured per fused command in
 * bench/README.md). The fused scripts take such an argument as latin1 text instead, one character
 * per byte, which ioredis then writes in UTF-8 with the rest, and turn it back into the same bytes
 * (lua/from-latin1.lua). BullMQ's script receives exactly the bytes BullMQ packed.
 */

/**
 * Replaces each Buffer among `args[from..to)` by its latin1 text, in place. Answers the 1-based
 * positions it replaced, counted from `from` (as the script's argument list numbers them), joined
 * by commas: "" when there was none.
 */
export function buffersAsText(args: unknown[], from: number, to: number): string {
  let positions = '';
  for (let i = from; i < to; i++) {
    const arg = args[i];
    if (!Buffer.isBuffer(arg)) continue;
    args[i] = arg.toString('latin1');
    positions = positions === '' ? String(i - from + 1) : `${positions},${i - from + 1}`;
  }
  return positions;
}
