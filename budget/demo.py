"""Funding demo texts (SPEC §6): vendors, payment milestones and request purposes. The calendar
that lists, contracts and pays is ``workspace/demo.py``."""

MILESTONES = [
    {"name": "签订合同", "percent": 30, "is_final": False},
    {"name": "初验", "percent": 40, "is_final": False},
    {"name": "终验", "percent": 30, "is_final": True},
]
VENDORS = {
    "xt": [
        ("湖南湘数科技有限公司", "open"),
        ("长沙智慧政务信息技术有限公司", "consultation"),
        ("中国电信股份有限公司湘潭分公司", "single"),
        ("湖南云信网络安全技术有限公司", "negotiation"),
        ("湘潭华信软件有限公司", "inquiry"),
        ("湖南宝德自强计算机有限公司", "open"),
    ],
    "hz": [
        ("连云港港城信息技术有限公司", "open"),
        ("江苏省数字政府运营有限公司连云港分公司", "consultation"),
        ("中国移动通信集团江苏有限公司连云港分公司", "single"),
        ("江苏海安网络科技有限公司", "negotiation"),
    ],
}
