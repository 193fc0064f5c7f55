"""Pre/post training knowledge assessment: Flask on AWS Lambda (Zappa), DynamoDB, question banks as data."""
