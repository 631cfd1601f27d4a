/** What the browser tests read inside a chart page, typed here: the test program is compiled without the DOM lib. */
export interface Canvas2d {
  readonly canvas: { readonly width: number; readonly height: number };
  getImageData(x: number, y: number, width: number, height: number): { readonly data: Uint8ClampedArray };
}

/** The parts of a uPlot instance the tests read. */
export interface Plot {
  readonly data: (number | null)[][];
  readonly ctx: Canvas2d;
  readonly bbox: { readonly top: number; readonly height: number };
  valToPos(value: number, scale: string, canvasPixels: boolean): number;
}
