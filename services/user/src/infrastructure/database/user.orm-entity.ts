import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Columns of `users`. The schema itself (the unique index on lower(email)) lives in the migrations. */
@Entity({ name: 'users' })
export class UserOrmEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 16 })
  role: 'customer' | 'admin';

  /** PHC-style encoded KDF output; never leaves the repository except to the hasher. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  /** bumped with every password, email or role change; access tokens carry it as `tv` */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
