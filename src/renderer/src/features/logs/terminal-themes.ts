// xterm colours for the log panes. Backgrounds match --panel so the pane's padding shows no
// strip. The dark theme's ANSI colours are lifted so each meets WCAG AA (4.5:1) on that
// background: xterm's default red (#cd3131) and a program's #cc0000 read poorly on it.
import type { ITheme } from '@xterm/xterm';

export const darkTheme: ITheme = {
  background: '#1b2029',
  foreground: '#dfe4ec',
  cursor: '#1b2029',
  black: '#8a94a6',
  red: '#ff7b72',
  green: '#56d364',
  yellow: '#e3b341',
  blue: '#79b8ff',
  magenta: '#d2a8ff',
  cyan: '#56d4dd',
  white: '#dfe4ec',
  brightBlack: '#9aa5b8',
  brightRed: '#ffa198',
  brightGreen: '#7ee787',
  brightYellow: '#f2cc60',
  brightBlue: '#a5d6ff',
  brightMagenta: '#e2c5ff',
  brightCyan: '#87e8ee',
  brightWhite: '#ffffff',
};

export const lightTheme: ITheme = { background: '#ffffff', foreground: '#1c2230', cursor: '#ffffff', selectionBackground: '#b5d0ff' };

/** WCAG 2 contrast ratio of two #rrggbb colours. */
export function contrastRatio(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}
