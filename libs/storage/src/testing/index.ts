export { S3RVER_CREDENTIALS, S3Server, type LoggedRequest } from './s3-server';
