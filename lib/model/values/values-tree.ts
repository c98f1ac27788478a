/** A parsed values tree: what YAML gives for a values file. */
export type ValuesNode = string | number | boolean | null | readonly ValuesNode[] | ValuesTree;
export interface ValuesTree {
  readonly [key: string]: ValuesNode;
}
