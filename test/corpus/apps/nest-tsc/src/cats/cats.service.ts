import { Injectable } from '@nestjs/common';
import { Cat } from './cat.interface';

@Injectable()
export class CatsService {
  private readonly cats: Cat[] = [{ name: 'Tom', age: 3 }];

  create(cat: Cat): Cat {
    this.cats.push(cat);
    return cat;
  }

  findAll(): Cat[] {
    return this.cats;
  }

  findByName(name: string): Cat | undefined {
    return this.cats.find((cat) => cat.name === name);
  }
}
