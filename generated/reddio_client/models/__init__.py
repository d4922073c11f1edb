"""Contains all the data models used in inputs/outputs"""

from .asset_id_data import AssetIdData
from .asset_id_envelope import AssetIdEnvelope
from .contract_info import ContractInfo
from .contract_info_envelope import ContractInfoEnvelope
from .envelope import Envelope
from .nonce import Nonce
from .nonce_envelope import NonceEnvelope
from .record import Record
from .record_order import RecordOrder
from .records_envelope import RecordsEnvelope
from .sequence_id import SequenceId
from .sequence_id_envelope import SequenceIdEnvelope
from .signature import Signature
from .starkex_contracts import StarkexContracts
from .starkex_contracts_envelope import StarkexContractsEnvelope
from .vault_ids import VaultIds
from .vault_ids_envelope import VaultIdsEnvelope
from .withdrawable_asset import WithdrawableAsset
from .withdrawal_request import WithdrawalRequest
from .withdrawal_status_envelope import WithdrawalStatusEnvelope
from .withdrawal_to_request import WithdrawalToRequest

__all__ = (
    "AssetIdData",
    "AssetIdEnvelope",
    "ContractInfo",
    "ContractInfoEnvelope",
    "Envelope",
    "Nonce",
    "NonceEnvelope",
    "Record",
    "RecordOrder",
    "RecordsEnvelope",
    "SequenceId",
    "SequenceIdEnvelope",
    "Signature",
    "StarkexContracts",
    "StarkexContractsEnvelope",
    "VaultIds",
    "VaultIdsEnvelope",
    "WithdrawableAsset",
    "WithdrawalRequest",
    "WithdrawalStatusEnvelope",
    "WithdrawalToRequest",
)
