"""The DynamoDB store: the only package that imports boto3."""
