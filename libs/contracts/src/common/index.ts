export * from './address.dto';
export * from './money.validator';
export * from './pagination.dto';
export * from './problem.dto';
export * from './optional.decorator';
export * from './query-number.transform';
