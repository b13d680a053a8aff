import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { User } from '../../domain/entities/user';
import { EmailTaken } from '../../domain/errors/user.errors';
import { UserPage, UserRepository } from '../../domain/repositories/user.repository';
import { Email } from '../../domain/value-objects/email';
import { UserOrmEntity } from '../database/user.orm-entity';
import { UserMapper } from './user.mapper';

const EMAIL_UNIQUE_INDEX = 'users_email_lower_key';

/** The unique index on lower(email) refused the row: another user has this email. */
function isEmailConflict(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === EMAIL_UNIQUE_INDEX;
}

@Injectable()
export class TypeormUserRepository extends UserRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  private get repo(): Repository<UserOrmEntity> {
    return this.txHost.tx.getRepository(UserOrmEntity);
  }

  async findById(id: string, options?: { forUpdate?: boolean }): Promise<User | null> {
    const query = this.repo.createQueryBuilder('u').where('u.id = :id', { id });
    if (options?.forUpdate) query.setLock('pessimistic_write');
    const row = await query.getOne();
    return row ? UserMapper.toDomain(row) : null;
  }

  async findByEmail(email: Email): Promise<User | null> {
    // lower(...) on both sides: the comparison the unique index defines, and what it can serve.
    const row = await this.repo
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email: email.value })
      .getOne();
    return row ? UserMapper.toDomain(row) : null;
  }

  async tokenVersionOf(id: string): Promise<number | null> {
    // One indexed column: this runs on every authenticated request of the user service.
    const row = await this.repo.findOne({ where: { id }, select: { tokenVersion: true } });
    return row ? row.tokenVersion : null;
  }

  async insert(user: User): Promise<void> {
    try {
      await this.repo.insert(UserMapper.toOrm(user));
    } catch (error) {
      if (isEmailConflict(error)) throw new EmailTaken();
      throw error;
    }
  }

  async insertIfEmailFree(user: User): Promise<boolean> {
    const row = UserMapper.toOrm(user);
    const result: unknown = await this.txHost.tx.query(
      `INSERT INTO users (id, name, email, role, password_hash, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ((lower(email))) DO NOTHING
       RETURNING id`,
      [row.id, row.name, row.email, row.role, row.passwordHash, row.createdAt, row.updatedAt],
    );
    return Array.isArray(result) && result.length === 1;
  }

  async update(user: User): Promise<void> {
    const { id, ...columns } = UserMapper.toOrm(user);
    try {
      await this.repo.update({ id }, columns);
    } catch (error) {
      if (isEmailConflict(error)) throw new EmailTaken();
      throw error;
    }
  }

  async replacePasswordHash(id: string, currentHash: string, newHash: string): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ passwordHash: newHash, updatedAt: () => 'now()' })
      .where('id = :id AND password_hash = :currentHash', { id, currentHash })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.repo.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  async list(page: { limit: number; offset: number }): Promise<UserPage> {
    const [rows, total] = await this.repo.findAndCount({
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: rows.map((row) => UserMapper.toDomain(row)), total };
  }
}
