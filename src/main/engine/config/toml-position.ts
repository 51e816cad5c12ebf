// Where a key or value sits in a manifest; its own module so the prescan and the tree share it
// without importing each other.
/** 1-based, as editors and `FILE:LINE:COL` expect. */
export interface TomlPosition {
  line: number;
  column: number;
}
