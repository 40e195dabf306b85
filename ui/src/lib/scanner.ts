// Barcode scanners are keyboard wedges: they "type" the code very fast and press Enter.
// This tells a scan from a person typing, by the gaps between keystrokes alone.

export interface ScannerOptions {
  /** Longest gap between two keystrokes of one scan, in ms. */
  maxGapMs?: number;
  /** Shortest code accepted as a scan (people type 1–3 characters fast now and then). */
  minLength?: number;
}

export type ScanResult = { kind: "scan"; code: string } | { kind: "none" };

/** Feed it every keydown (key name and time); it answers with a scan when one ends. */
export class ScanDetector {
  private readonly maxGapMs: number;
  private readonly minLength: number;
  private buffer = "";
  private last = -Infinity;

  constructor(opts: ScannerOptions = {}) {
    this.maxGapMs = opts.maxGapMs ?? 30;
    this.minLength = opts.minLength ?? 4;
  }

  /** The characters of a scan in progress (to remove them from wherever they were typed). */
  get pending(): string {
    return this.buffer;
  }

  /**
   * Whether the last key continued a fast burst (2+ characters): a scan is probably under way, so
   * its characters should not also act as shortcuts on whatever has focus.
   */
  get bursting(): boolean {
    return this.buffer.length >= 2;
  }

  feed(key: string, timeMs: number): ScanResult {
    const gap = timeMs - this.last;
    this.last = timeMs;
    if (key === "Enter") {
      const code = this.buffer;
      this.buffer = "";
      if (code.length >= this.minLength && gap <= this.maxGapMs) return { kind: "scan", code };
      return { kind: "none" };
    }
    if (key.length !== 1) {
      // Shift and other modifiers arrive between characters of a scan; anything else breaks it.
      if (key !== "Shift") this.buffer = "";
      return { kind: "none" };
    }
    this.buffer = gap <= this.maxGapMs ? this.buffer + key : key;
    return { kind: "none" };
  }

  reset(): void {
    this.buffer = "";
    this.last = -Infinity;
  }
}
