import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CatCreatedEvent } from './cat-created.event';
import { Cat } from './cat.interface';
import { CreateCatDto } from './dto/create-cat.dto';

@Injectable()
export class CatsService {
  private readonly cats: Cat[] = [{ name: 'Tom', age: 3 }];
  private readonly owners = new Map<string, string>();

  constructor(@Inject(EventEmitter2) private readonly events: EventEmitter2) {}

  create(dto: CreateCatDto): Cat {
    const cat: Cat = { name: dto.name, age: dto.age };
    this.cats.push(cat);
    this.events.emit(CatCreatedEvent.id, new CatCreatedEvent(cat.name, cat.age));
    return cat;
  }

  findAll(): Cat[] {
    return this.cats;
  }

  findByName(name: string): Cat | undefined {
    return this.cats.find((cat) => cat.name === name);
  }

  ownerOf(name: string): string | undefined {
    return this.owners.get(name);
  }

  adopt(name: string, owner: string): { cat: string; owner: string } {
    const cat = this.findByName(name);
    if (!cat) throw new NotFoundException(`no cat named ${name}`);
    this.owners.set(cat.name, owner);
    return { cat: cat.name, owner };
  }

  stats() {
    return { cats: this.cats.length, adopted: this.owners.size };
  }
}
