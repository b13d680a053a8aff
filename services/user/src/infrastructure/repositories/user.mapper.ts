import { User } from '../../domain/entities/user';
import { Email } from '../../domain/value-objects/email';
import { UserOrmEntity } from '../database/user.orm-entity';

export const UserMapper = {
  toDomain(row: UserOrmEntity): User {
    return User.restore({
      id: row.id,
      name: row.name,
      email: Email.restore(row.email),
      role: row.role,
      passwordHash: row.passwordHash,
      tokenVersion: row.tokenVersion,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  },

  toOrm(user: User): UserOrmEntity {
    const row = new UserOrmEntity();
    row.id = user.id;
    row.name = user.name;
    row.email = user.email.value;
    row.role = user.role;
    row.passwordHash = user.passwordHash;
    row.tokenVersion = user.tokenVersion;
    row.createdAt = user.createdAt;
    row.updatedAt = user.updatedAt;
    return row;
  },
};
