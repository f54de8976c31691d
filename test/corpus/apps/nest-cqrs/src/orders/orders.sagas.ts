import { Injectable } from '@nestjs/common';
import { ICommand, ofType, Saga } from '@nestjs/cqrs';
import { Observable, delay, map } from 'rxjs';
import { ShipOrderCommand } from './commands/ship-order.command';
import { OrderPlacedEvent } from './events/order-placed.event';

@Injectable()
export class OrdersSagas {
  /**
   * Every placed order ships, a moment after it was placed (after the placing command committed).
   * The event bus subscribes to this stream once, as the app starts.
   */
  @Saga()
  orderPlaced = (events$: Observable<any>): Observable<ICommand> =>
    events$.pipe(
      ofType(OrderPlacedEvent),
      delay(20),
      map((event) => new ShipOrderCommand(event.orderId)),
    );
}
