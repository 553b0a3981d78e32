// SPDX-License-Identifier: Apache-2.0
// Min/max decimation for the frames of a zoom or pan gesture: a series is drawn as its lowest and
// highest value per few pixels (in time order), so a spike still shows while the line costs far
// fewer segments to rasterise. The panel redraws at full detail when the gesture settles. Pure.

/// The subset of Path2D this needs (tests record the calls).
export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
}

/// Appends ys[i0..i1] (inclusive, as uPlot's path builders take them) to `path`, one or two
/// points per `bucketPx`-wide column: the bucket's min and max, in the order they occur, at the x
/// of the bucket's first point. null breaks the line (a gap); undefined is skipped (uPlot joins
/// across it). Returns the number of points emitted.
export function minMaxPath(
  xs: ArrayLike<number>,
  ys: ArrayLike<number | null | undefined>,
  i0: number,
  i1: number,
  xPx: (x: number) => number,
  yPx: (y: number) => number,
  bucketPx: number,
  path: PathSink,
): number {
  let emitted = 0;
  let pen = false; // the path has a current point to continue from
  let have = false; // a bucket is open
  let bucket = 0;
  let bx = 0;
  let mn = 0;
  let mx = 0;
  let iMn = 0;
  let iMx = 0;
  const point = (x: number, y: number) => {
    if (pen) path.lineTo(x, yPx(y));
    else path.moveTo(x, yPx(y));
    pen = true;
    emitted++;
  };
  const flush = () => {
    if (!have) return;
    have = false;
    if (iMn === iMx) point(bx, mn);
    else if (iMn < iMx) {
      point(bx, mn);
      point(bx, mx);
    } else {
      point(bx, mx);
      point(bx, mn);
    }
  };
  for (let i = i0; i <= i1; i++) {
    const y = ys[i];
    if (y === undefined) continue;
    if (y === null) {
      flush();
      pen = false;
      continue;
    }
    const x = xPx(xs[i]);
    const b = Math.floor(x / bucketPx);
    if (have && b !== bucket) flush();
    if (!have) {
      have = true;
      bucket = b;
      bx = x;
      mn = mx = y;
      iMn = iMx = i;
    } else if (y < mn) {
      mn = y;
      iMn = i;
    } else if (y > mx) {
      mx = y;
      iMx = i;
    }
  }
  flush();
  return emitted;
}
