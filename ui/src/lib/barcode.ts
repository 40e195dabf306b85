// Code 128 (code set B) for the receipt number's barcode on the on-screen receipt: the printer
// draws its own from the same data (ESC/POS `GS k`), so the screen only has to look the same and
// scan the same. Set B covers printable ASCII, which is all a receipt number holds.

/**
 * The 107 symbols of Code 128 (ISO/IEC 15417), by value: the widths of bar, space, bar, space,
 * bar, space in modules (eleven in all). 103–105 are the start codes A, B and C; 106 is the stop,
 * which alone has a seventh element (a final 2-module bar, thirteen modules in all).
 */
// prettier-ignore
const SYMBOLS: readonly string[] = [
  "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
  "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
  "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
  "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
  "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
  "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
  "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
  "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
  "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
  "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
  "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
];

const START_B = 104;
const STOP = 106;

/** Modules of white each side of the bars, which a scanner needs to find the code. */
export const QUIET_ZONE = 10;

/** Whether `data` can be written in code set B: printable ASCII (space to ~), at least one. */
export function encodable(data: string): boolean {
  return data.length > 0 && [...data].every((c) => c.charCodeAt(0) >= 32 && c.charCodeAt(0) <= 126);
}

/** The symbol values of `data` in code set B: start B, one per character, the check, stop. */
export function code128Values(data: string): number[] {
  if (!encodable(data)) throw new Error(`Code 128 set B cannot encode ${JSON.stringify(data)}`);
  const chars = [...data].map((c) => c.charCodeAt(0) - 32);
  // The check symbol: the start's value plus each character's value times its position, mod 103.
  const check = chars.reduce((sum, v, i) => sum + v * (i + 1), START_B) % 103;
  return [START_B, ...chars, check, STOP];
}

/** The element widths in modules, bar first and alternating bar and space. */
export function code128Widths(data: string): number[] {
  return code128Values(data).flatMap((v) => [...SYMBOLS[v]].map(Number));
}

/** A bar of the code: where it starts and how wide it is, in modules from the left quiet zone's edge. */
export type Bar = { x: number; width: number };

/** The bars of `data`'s barcode and the whole width with its quiet zones, in modules. */
export function code128Bars(data: string): { bars: Bar[]; width: number } {
  const bars: Bar[] = [];
  let x = QUIET_ZONE;
  code128Widths(data).forEach((w, i) => {
    if (i % 2 === 0) bars.push({ x, width: w });
    x += w;
  });
  return { bars, width: x + QUIET_ZONE };
}
