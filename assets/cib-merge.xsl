<?xml version="1.0"?>
<!--
  Merges the objects one zimbra-ha stack owns into a CIB, leaving everything else alone.
  Input: the current CIB. Parameter `desired`: path of the stack's fragment (assets/cib-fragment.xml.mustache).
  Owned = ids listed by the stack's tag in the current CIB (what it owned last time) plus ids in the fragment.
  Owned objects that are still desired are replaced in place, owned objects no longer desired are dropped,
  new ones are appended to their section; cluster properties named by the fragment are set in
  cib-bootstrap-options and removed from any other property set.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="xml" indent="yes"/>
  <xsl:param name="desired"/>
  <xsl:variable name="d" select="document($desired)/zimbra-ha-cib"/>
  <xsl:variable name="tagId" select="string($d/@tag)"/>
  <xsl:variable name="previous" select="/cib/configuration/tags/tag[@id = $tagId]"/>
  <xsl:variable name="owned" select="$d//@id | $previous/obj_ref/@id | $previous/@id"/>
  <xsl:variable name="propNames" select="$d/crm_config/nvpair/@name"/>

  <xsl:template match="@*|node()">
    <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>
  </xsl:template>

  <!-- A new epoch makes the diff a versioned patch: it applies only to the CIB it was computed from. -->
  <xsl:template match="/cib/@epoch">
    <xsl:attribute name="epoch"><xsl:value-of select=". + 1"/></xsl:attribute>
  </xsl:template>
  <xsl:template match="/cib/@num_updates">
    <xsl:attribute name="num_updates">0</xsl:attribute>
  </xsl:template>

  <xsl:template match="/cib/configuration">
    <xsl:variable name="cfg" select="."/>
    <xsl:copy>
      <xsl:apply-templates select="@*|node()"/>
      <xsl:for-each select="$d/*[not(self::crm_config)]">
        <xsl:if test="not($cfg/*[name() = name(current())])">
          <xsl:element name="{name()}"><xsl:copy-of select="*"/></xsl:element>
        </xsl:if>
      </xsl:for-each>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="/cib/configuration/resources | /cib/configuration/constraints | /cib/configuration/tags | /cib/configuration/rsc_defaults">
    <xsl:variable name="section" select="."/>
    <xsl:variable name="want" select="$d/*[name() = name(current())]/*"/>
    <xsl:copy>
      <xsl:apply-templates select="@*"/>
      <xsl:for-each select="*[not(@id = $owned) or @id = $want/@id]">
        <xsl:variable name="id" select="@id"/>
        <xsl:choose>
          <xsl:when test="$want[@id = $id]"><xsl:copy-of select="$want[@id = $id]"/></xsl:when>
          <xsl:otherwise><xsl:copy-of select="."/></xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
      <xsl:copy-of select="$want[not(@id = $section/*/@id)]"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="/cib/configuration/crm_config">
    <xsl:copy>
      <xsl:apply-templates select="@*"/>
      <xsl:for-each select="cluster_property_set">
        <xsl:copy>
          <xsl:copy-of select="@*"/>
          <xsl:copy-of select="*[not(self::nvpair and (@name = $propNames or @id = $owned))]"/>
          <xsl:if test="@id = 'cib-bootstrap-options'"><xsl:copy-of select="$d/crm_config/nvpair"/></xsl:if>
        </xsl:copy>
      </xsl:for-each>
      <xsl:if test="not(cluster_property_set[@id = 'cib-bootstrap-options'])">
        <cluster_property_set id="cib-bootstrap-options"><xsl:copy-of select="$d/crm_config/nvpair"/></cluster_property_set>
      </xsl:if>
    </xsl:copy>
  </xsl:template>
</xsl:stylesheet>
