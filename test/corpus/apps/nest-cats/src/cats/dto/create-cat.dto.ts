import { IsInt, IsString, Length, Max, Min } from 'class-validator';

export class CreateCatDto {
  @IsString()
  @Length(1, 40)
  name: string;

  @IsInt()
  @Min(0)
  @Max(30)
  age: number;
}
