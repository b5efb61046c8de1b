export * from './dist/exporters/kafka/index';
