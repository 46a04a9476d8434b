"""A platform team's CDK app in Python: the kmsvault-cdk wheel jsii-pacmak
builds, its peers from PyPI, cdk-nag's three packs, and the findings the
README lists as the consumer's acknowledged on the constructs they are about."""
import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from cdk_nag import AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks
from kmsvault_cdk import Vault

app = cdk.App()
cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app), NIST80053R5Checks(app))

stack = cdk.Stack(app, "PlatformVault", env=cdk.Environment(account="111111111111", region="eu-west-1"))
vault = Vault(
    stack,
    "Vault",
    key_admins=[iam.ArnPrincipal("arn:aws:iam::111111111111:role/kmsvault-local-key-admin")],
)

choice = "platform team: no web ACL, point-in-time recovery instead of a backup plan"
cdk.Validations.of(vault.api.deployment_stage).acknowledge(
    cdk.Acknowledgment(id="AwsSolutions-APIG3", reason=choice),
    cdk.Acknowledgment(id="NIST.800.53.R5-APIGWAssociatedWithWAF", reason=choice),
)
cdk.Validations.of(vault.table).acknowledge(cdk.Acknowledgment(id="NIST.800.53.R5-DynamoDBInBackupPlan", reason=choice))

app.synth()
