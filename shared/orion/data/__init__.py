"""The single DynamoDB table: model base, key builders, access patterns, batch and transaction helpers."""
