import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { HealthController } from './health.controller';
import { OrdersModule } from './orders/orders.module';

@Module({
  // forRoot() makes the buses; when the app starts, its explorer finds every provider decorated
  // @CommandHandler, @QueryHandler, @EventsHandler or @Saga and binds it to its bus.
  imports: [CqrsModule.forRoot(), OrdersModule],
  controllers: [HealthController],
})
export class AppModule {}
