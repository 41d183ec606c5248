/** Median, min and max of several rounds of one figure (the bench and the console measurement). */
export interface Stat {
  median: number;
  min: number;
  max: number;
  rounds: number[];
}

/** The figure's median (the mean of the middle two for an even count), min, max and rounds, each passed through `round`. */
export function stat(xs: number[], round: (n: number) => number = (n) => n): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median: round(mid), min: round(s[0]!), max: round(s[s.length - 1]!), rounds: xs.map(round) };
}
