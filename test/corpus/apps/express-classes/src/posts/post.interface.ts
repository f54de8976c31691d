export interface Post {
  id: number;
  author: string;
  title: string;
}
