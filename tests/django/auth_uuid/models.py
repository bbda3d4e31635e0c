import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class Member(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        db_table = "auth_uuid_member"
