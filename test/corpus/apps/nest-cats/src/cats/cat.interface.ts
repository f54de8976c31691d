export interface Cat {
  name: string;
  age: number;
}
