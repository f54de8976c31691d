import { IsNotEmpty, IsString } from 'class-validator';

export class AdoptCatDto {
  @IsString()
  @IsNotEmpty()
  owner: string;
}
