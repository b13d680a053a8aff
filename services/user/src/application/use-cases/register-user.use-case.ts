import { Injectable } from '@nestjs/common';
import { User } from '../../domain/entities/user';
import { UserRepository } from '../../domain/repositories/user.repository';
import { Email } from '../../domain/value-objects/email';
import { PasswordPolicy } from '../../domain/value-objects/password-policy';
import { PasswordHasher } from '../ports/password-hasher.port';

export interface RegisterUserCommand {
  name: string;
  email: string;
  password: string;
}

/** Public registration: always a customer. A taken email (in any case) is EmailTaken. */
@Injectable()
export class RegisterUserUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute(command: RegisterUserCommand): Promise<User> {
    PasswordPolicy.check(command.password);
    const email = Email.parse(command.email);
    const passwordHash = await this.hasher.hash(command.password);
    const user = User.register({ name: command.name, email, passwordHash });
    await this.users.insert(user);
    return user;
  }
}
